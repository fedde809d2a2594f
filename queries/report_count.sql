-- How many reports the store holds, whatever the filters (an empty store offers samples).
select count(*) as reports from reports;
