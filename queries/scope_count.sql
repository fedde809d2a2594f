-- How many reports the sidebar's filters select: zero means every page would be empty, and
-- the frame says why (app.py) instead of each page showing noughts.
select count(*) as reports from scope;
